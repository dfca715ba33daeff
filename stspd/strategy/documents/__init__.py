"""The strategy's documents and round trips: web page, PDF, Word, action-plan spreadsheet, JSON.

Every document is drawn from the snapshot data (`stspd.strategy.snapshot`), so the working copy
and a frozen version go through one path.
"""
