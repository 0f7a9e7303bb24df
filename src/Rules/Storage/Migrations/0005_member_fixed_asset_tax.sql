-- 資産割: each member's 固定資産税額 (integer yen) as the core system sends it (null: not sent, assessed as 0);
-- checked when assessed, like every other member field.
ALTER TABLE members ADD COLUMN fixed_asset_tax bigint;
