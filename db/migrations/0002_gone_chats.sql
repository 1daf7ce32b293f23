CREATE TABLE `gone_chats` (
	`chat_id` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`by` text,
	`at` integer NOT NULL
);
