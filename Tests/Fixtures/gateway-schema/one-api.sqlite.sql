CREATE TABLE `logs` (`id` integer PRIMARY KEY AUTOINCREMENT,`user_id` integer,`created_at` integer,`type` integer,`content` text,`username` text DEFAULT '',`token_name` text DEFAULT '',`model_name` text DEFAULT '',`quota` integer DEFAULT 0,`prompt_tokens` integer DEFAULT 0,`completion_tokens` integer DEFAULT 0,`channel_id` integer,`request_id` text DEFAULT '',`elapsed_time` integer DEFAULT 0,`is_stream` numeric DEFAULT false,`system_prompt_reset` numeric DEFAULT false);
CREATE INDEX `idx_logs_user_id` ON `logs`(`user_id`);
CREATE INDEX `idx_created_at_type` ON `logs`(`created_at`,`type`);
CREATE INDEX `index_username_model_name` ON `logs`(`model_name`,`username`);
CREATE INDEX `idx_logs_token_name` ON `logs`(`token_name`);
CREATE INDEX `idx_logs_model_name` ON `logs`(`model_name`);
CREATE INDEX `idx_logs_channel_id` ON `logs`(`channel_id`);
CREATE TABLE `options` (`key` text,`value` text,PRIMARY KEY (`key`));
