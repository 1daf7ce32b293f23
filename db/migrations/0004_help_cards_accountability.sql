CREATE TABLE `accountability` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`township_id` text NOT NULL,
	`village_id` integer NOT NULL,
	`household_id` integer NOT NULL,
	`source` text NOT NULL,
	`source_id` integer NOT NULL,
	`finding` text NOT NULL,
	`identification_owner` text,
	`found_at` integer NOT NULL,
	`outcome` text,
	`outcome_note` text,
	`outcome_by` text,
	`outcome_at` integer,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accountability_source` ON `accountability` (`township_id`,`source`,`source_id`);--> statement-breakpoint
CREATE TABLE `help_cards` (
	`household_id` integer PRIMARY KEY NOT NULL,
	`township_id` text NOT NULL,
	`situation` text,
	`causes` text,
	`measures` text,
	`contact` text,
	`photos` text DEFAULT '[]' NOT NULL,
	`filled_by` text NOT NULL,
	`filled_at` integer NOT NULL,
	FOREIGN KEY (`township_id`) REFERENCES `townships`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `households` ADD `help_card_filled_at` integer;--> statement-breakpoint
ALTER TABLE `households` ADD `help_card_filled_by` text;--> statement-breakpoint
ALTER TABLE `households` ADD `help_card_received_at` integer;--> statement-breakpoint
ALTER TABLE `households` ADD `help_card_received_by` text;--> statement-breakpoint
ALTER TABLE `inspections` ADD `kind` text;--> statement-breakpoint
ALTER TABLE `inspections` ADD `household_id` integer;--> statement-breakpoint
ALTER TABLE `inspections` ADD `person` text;--> statement-breakpoint
ALTER TABLE `inspections` ADD `wrong_identification` integer DEFAULT false NOT NULL;