CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`village_id` integer,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`before` text,
	`after` text,
	`source` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_township_at` ON `audit_log` (`township_id`,`at`);--> statement-breakpoint
CREATE TABLE `chats` (
	`chat_id` text PRIMARY KEY NOT NULL,
	`township_id` text NOT NULL,
	`kind` text NOT NULL,
	`village_id` integer,
	`bound_by` text,
	`bound_at` integer NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`name` text NOT NULL,
	`open_id` text,
	`mobile` text,
	`email` text,
	`party_member` integer DEFAULT false NOT NULL,
	`department` text,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `people_township_name` ON `people` (`township_id`,`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `people_township_open_id` ON `people` (`township_id`,`open_id`);--> statement-breakpoint
CREATE INDEX `people_open_id` ON `people` (`open_id`);--> statement-breakpoint
CREATE TABLE `roles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`person_id` integer NOT NULL,
	`role` text NOT NULL,
	`village_id` integer DEFAULT 0 NOT NULL,
	`source` text DEFAULT 'file' NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `roles_unique` ON `roles` (`person_id`,`role`,`village_id`);--> statement-breakpoint
CREATE TABLE `townships` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`county` text DEFAULT '' NOT NULL,
	`campaign` text NOT NULL,
	`leaders_chat_id` text,
	`inspectors_chat_id` text,
	`township_meeting_at` integer,
	`report_exported_at` integer,
	`report_submitted_at` integer,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `villages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`name` text NOT NULL,
	`poor` integer DEFAULT false NOT NULL,
	`assisting_department` text,
	`chat_id` text,
	`data_filed_at` integer,
	`data_filed_by` text,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `villages_township_name` ON `villages` (`township_id`,`name`);--> statement-breakpoint
CREATE TABLE `households` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`village_id` integer NOT NULL,
	`number` text NOT NULL,
	`head_name` text NOT NULL,
	`status` text NOT NULL,
	`applicant` integer DEFAULT false NOT NULL,
	`qualification` text,
	`qualification_reason` text,
	`poverty_cause` text,
	`housing` text,
	`zone` text,
	`all_away` integer DEFAULT false NOT NULL,
	`phone` text,
	`identification_owner` text,
	`helper_id` integer,
	`help_card_returned_at` integer,
	`help_card_returned_by` text,
	`batches` text DEFAULT '[]' NOT NULL,
	`removal_reason` text,
	`application_note` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`helper_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `households_township_number` ON `households` (`township_id`,`number`);--> statement-breakpoint
CREATE INDEX `households_village` ON `households` (`village_id`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`household_id` integer NOT NULL,
	`name` text NOT NULL,
	`id_card` text NOT NULL,
	`relation` text NOT NULL,
	`labour` text,
	`health` text,
	`disability` text,
	`disability_cert` text,
	`batches` text DEFAULT '[]' NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_household_id_card` ON `members` (`household_id`,`id_card`);--> statement-breakpoint
CREATE INDEX `members_id_card` ON `members` (`id_card`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`village_id` integer DEFAULT 0 NOT NULL,
	`stage` text NOT NULL,
	`date` text NOT NULL,
	`ack_by` text,
	`ack_at` integer,
	`ack_date` text,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_unique` ON `alerts` (`township_id`,`village_id`,`stage`,`date`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`household_id` integer NOT NULL,
	`method` text NOT NULL,
	`note` text,
	`recorded_by` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `inspections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`village_id` integer DEFAULT 0 NOT NULL,
	`finding` text NOT NULL,
	`action` text,
	`recorded_by` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `meetings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`village_id` integer NOT NULL,
	`kind` text NOT NULL,
	`date` text NOT NULL,
	`eligible` integer NOT NULL,
	`present` integer NOT NULL,
	`votes` text,
	`absentee_opinions` text,
	`confirmations` text DEFAULT '{}' NOT NULL,
	`evidence` text DEFAULT '[]' NOT NULL,
	`valid` integer DEFAULT false NOT NULL,
	`recorded_by` text NOT NULL,
	`card_message_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `meetings_village` ON `meetings` (`township_id`,`village_id`);--> statement-breakpoint
CREATE TABLE `notices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`village_id` integer DEFAULT 0 NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL,
	`started_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notices_scope` ON `notices` (`township_id`,`village_id`);--> statement-breakpoint
CREATE TABLE `objections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notice_id` integer NOT NULL,
	`no` integer NOT NULL,
	`household` text NOT NULL,
	`content` text NOT NULL,
	`raised_by` text NOT NULL,
	`raised_at` integer NOT NULL,
	`resolution` text,
	`resolved_by` text,
	`resolved_at` integer,
	FOREIGN KEY (`notice_id`) REFERENCES `notices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `objections_notice_no` ON `objections` (`notice_id`,`no`);--> statement-breakpoint
CREATE TABLE `publicity` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`village_id` integer NOT NULL,
	`method` text NOT NULL,
	`reached` integer NOT NULL,
	`recorded_by` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `stage_progress` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`village_id` integer DEFAULT 0 NOT NULL,
	`stage` text NOT NULL,
	`done_at` integer NOT NULL,
	`done_by` text NOT NULL,
	`source` text NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stage_progress_unique` ON `stage_progress` (`township_id`,`village_id`,`stage`);--> statement-breakpoint
CREATE TABLE `exit_plans` (
	`household_id` integer PRIMARY KEY NOT NULL,
	`township_id` text NOT NULL,
	`measures` text NOT NULL,
	`owner` text NOT NULL,
	`start_date` text,
	`end_date` text,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `helper_assignments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`household_id` integer NOT NULL,
	`helper_id` integer NOT NULL,
	`assigned_by` text NOT NULL,
	`assigned_at` integer NOT NULL,
	`override_reason` text,
	`flag` text,
	`ended_at` integer,
	`source` text NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `helper_assignments_household` ON `helper_assignments` (`household_id`);--> statement-breakpoint
CREATE INDEX `helper_assignments_helper` ON `helper_assignments` (`helper_id`);--> statement-breakpoint
CREATE TABLE `helper_visits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`household_id` integer NOT NULL,
	`helper_id` integer NOT NULL,
	`date` text NOT NULL,
	`content` text NOT NULL,
	`evidence` text DEFAULT '[]' NOT NULL,
	`message_id` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `helper_visits_household` ON `helper_visits` (`household_id`);--> statement-breakpoint
CREATE INDEX `helper_visits_helper` ON `helper_visits` (`helper_id`);--> statement-breakpoint
CREATE TABLE `department_lists` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`department` text NOT NULL,
	`file_name` text NOT NULL,
	`rows` integer NOT NULL,
	`sha256` text,
	`active` integer DEFAULT true NOT NULL,
	`imported_by` text NOT NULL,
	`imported_at` integer NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `department_lists_active` ON `department_lists` (`township_id`,`department`,`active`);--> statement-breakpoint
CREATE TABLE `department_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`list_id` integer NOT NULL,
	`row_no` integer NOT NULL,
	`id_card` text NOT NULL,
	`name` text,
	`kind` text NOT NULL,
	`detail` text,
	`date` text
);
--> statement-breakpoint
CREATE INDEX `department_records_id_card` ON `department_records` (`id_card`,`list_id`);--> statement-breakpoint
CREATE INDEX `department_records_list` ON `department_records` (`list_id`);--> statement-breakpoint
CREATE TABLE `exclusion_hits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`household_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`exclusion` text NOT NULL,
	`department` text NOT NULL,
	`evidence_key` text NOT NULL,
	`evidence` text,
	`status` text DEFAULT 'open' NOT NULL,
	`reason` text,
	`decided_by` text,
	`decided_at` integer,
	`found_at` integer NOT NULL,
	`flagged_at` integer,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exclusion_hits_unique` ON `exclusion_hits` (`township_id`,`member_id`,`exclusion`,`department`,`evidence_key`);--> statement-breakpoint
CREATE INDEX `exclusion_hits_household` ON `exclusion_hits` (`household_id`);--> statement-breakpoint
CREATE TABLE `inbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`message_id` text,
	`event_type` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`error` text,
	`received_at` integer NOT NULL,
	`processed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbox_event_id` ON `inbox` (`event_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `inbox_message_id` ON `inbox` (`message_id`);--> statement-breakpoint
CREATE INDEX `inbox_status` ON `inbox` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `job_runs` (
	`key` text PRIMARY KEY NOT NULL,
	`township_id` text NOT NULL,
	`ran_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text NOT NULL,
	`township_id` text,
	`receive_id_type` text NOT NULL,
	`receive_id` text NOT NULL,
	`reply_to` text,
	`msg_type` text NOT NULL,
	`content` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`feishu_message_id` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_uuid` ON `outbox` (`uuid`);--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`next_attempt_at`);