ALTER TABLE `townships` ADD `township_meeting_date` text;--> statement-breakpoint
ALTER TABLE `townships` ADD `township_meeting_backfilled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `townships` ADD `township_meeting_evidence` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `townships` ADD `crosscheck_run_at` integer;--> statement-breakpoint
ALTER TABLE `meetings` ADD `backfilled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `notices` ADD `backfilled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `notices` ADD `evidence` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `stage_progress` ADD `days_late` integer DEFAULT 0 NOT NULL;