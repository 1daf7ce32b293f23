ALTER TABLE `households` ADD `rejected_step` text;--> statement-breakpoint
ALTER TABLE `households` ADD `rejection` text;