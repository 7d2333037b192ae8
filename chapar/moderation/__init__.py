"""The published moderation rules (``data/moderation/rules.toml``) and their checks."""
