CREATE TABLE `chat_import_chunks` (
	`import_id` text NOT NULL,
	`seq` integer NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`import_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `chat_imports` (
	`id` text PRIMARY KEY NOT NULL,
	`township_id` text NOT NULL,
	`kind` text NOT NULL,
	`department` text,
	`state` text NOT NULL,
	`chat_id` text NOT NULL,
	`command_message_id` text NOT NULL,
	`file_message_id` text,
	`file_key` text,
	`file_name` text,
	`actor` text NOT NULL,
	`stage_id` text,
	`cursor` integer DEFAULT 0 NOT NULL,
	`bytes` integer,
	`sha256` text,
	`preview` text,
	`result` text,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`decided_by` text,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `department_stage_rows` (
	`import_id` text NOT NULL,
	`seq` integer NOT NULL,
	`row_no` integer NOT NULL,
	`id_card` text NOT NULL,
	`name` text,
	`kind` text NOT NULL,
	`detail` text,
	`date` text,
	PRIMARY KEY(`import_id`, `seq`)
);
