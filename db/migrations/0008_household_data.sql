ALTER TABLE `households` ADD `county_approval_date` text;--> statement-breakpoint
ALTER TABLE `households` ADD `county_approval_doc` text;--> statement-breakpoint
ALTER TABLE `households` ADD `minimum_living` text;--> statement-breakpoint
ALTER TABLE `households` ADD `extreme_poverty` text;--> statement-breakpoint
ALTER TABLE `households` ADD `income_per_capita` integer;--> statement-breakpoint
ALTER TABLE `members` ADD `schooling` text;--> statement-breakpoint
ALTER TABLE `members` ADD `skill` text;--> statement-breakpoint
ALTER TABLE `members` ADD `skill_note` text;--> statement-breakpoint
ALTER TABLE `members` ADD `work` text;--> statement-breakpoint
ALTER TABLE `members` ADD `work_place` text;--> statement-breakpoint
ALTER TABLE `roster_stage_households` ADD `minimum_living` text;--> statement-breakpoint
ALTER TABLE `roster_stage_households` ADD `extreme_poverty` text;--> statement-breakpoint
ALTER TABLE `roster_stage_households` ADD `income_per_capita` integer;--> statement-breakpoint
ALTER TABLE `roster_stage_members` ADD `schooling` text;--> statement-breakpoint
ALTER TABLE `roster_stage_members` ADD `skill` text;--> statement-breakpoint
ALTER TABLE `roster_stage_members` ADD `skill_note` text;--> statement-breakpoint
ALTER TABLE `roster_stage_members` ADD `work` text;--> statement-breakpoint
ALTER TABLE `roster_stage_members` ADD `work_place` text;