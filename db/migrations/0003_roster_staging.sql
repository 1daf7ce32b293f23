CREATE TABLE `roster_imports` (
	`id` text PRIMARY KEY NOT NULL,
	`township_id` text NOT NULL,
	`started_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `roster_stage_households` (
	`import_id` text NOT NULL,
	`number` text NOT NULL,
	`village_id` integer NOT NULL,
	`head_name` text NOT NULL,
	`status` text NOT NULL,
	`poverty_cause` text,
	`housing` text,
	`zone` text,
	`all_away` integer NOT NULL,
	`phone` text,
	`identification_owner` text,
	PRIMARY KEY(`import_id`, `number`)
);
--> statement-breakpoint
CREATE TABLE `roster_stage_members` (
	`import_id` text NOT NULL,
	`number` text NOT NULL,
	`id_card` text NOT NULL,
	`name` text NOT NULL,
	`relation` text NOT NULL,
	`labour` text,
	`health` text,
	`disability` text,
	`disability_cert` text,
	PRIMARY KEY(`import_id`, `number`, `id_card`)
);
