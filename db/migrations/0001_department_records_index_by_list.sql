DROP INDEX `department_records_id_card`;--> statement-breakpoint
DROP INDEX `department_records_list`;--> statement-breakpoint
CREATE INDEX `department_records_list_id_card` ON `department_records` (`list_id`,`id_card`);