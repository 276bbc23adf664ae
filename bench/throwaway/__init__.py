"""A throwaway tenant app for bench/migrate_many.py: one migration to apply to every school.

Installed only by bench/migration_settings.py; the bench removes its table and records again.
"""
