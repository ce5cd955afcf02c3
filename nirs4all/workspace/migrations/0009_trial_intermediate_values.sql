-- 0008_trial_intermediate_values.sql: what a fine-tuning trial reported while it trained.
--
-- trials.intermediate holds the (pass, objective) pairs an Optuna trial trained in epochs
-- (finetune_params epochs: E) reported, as a JSON list of [pass, value] pairs ([] for a
-- trial fitted in one go; a value that was NaN is null). Every trial is now written as it
-- completes; a run interrupted in the middle of a search gives its stored trials back to
-- the study when it is resumed, and the median pruner of the resumed study needs the
-- intermediate values of the earlier trials to decide as the uninterrupted study would.
-- Trials stored before this version read as [].

ALTER TABLE trials ADD COLUMN intermediate JSON;
