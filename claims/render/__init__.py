"""Writers: summary (table, markdown, json, jsonl, csv), comparison, worksheet."""
