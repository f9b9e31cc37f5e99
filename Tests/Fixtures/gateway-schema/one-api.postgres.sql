CREATE TABLE "logs" ("id" bigserial,"user_id" bigint,"created_at" bigint,"type" bigint,"content" text,"username" text DEFAULT '',"token_name" text DEFAULT '',"model_name" text DEFAULT '',"quota" bigint DEFAULT 0,"prompt_tokens" bigint DEFAULT 0,"completion_tokens" bigint DEFAULT 0,"channel_id" bigint,"request_id" text DEFAULT '',"elapsed_time" bigint DEFAULT 0,"is_stream" boolean DEFAULT false,"system_prompt_reset" boolean DEFAULT false,PRIMARY KEY ("id"));
CREATE INDEX IF NOT EXISTS "idx_logs_user_id" ON "logs" ("user_id");
CREATE INDEX IF NOT EXISTS "idx_created_at_type" ON "logs" ("created_at","type");
CREATE INDEX IF NOT EXISTS "index_username_model_name" ON "logs" ("model_name","username");
CREATE INDEX IF NOT EXISTS "idx_logs_token_name" ON "logs" ("token_name");
CREATE INDEX IF NOT EXISTS "idx_logs_model_name" ON "logs" ("model_name");
CREATE INDEX IF NOT EXISTS "idx_logs_channel_id" ON "logs" ("channel_id");
CREATE TABLE "options" ("key" text,"value" text,PRIMARY KEY ("key"));
