"""Project commands; `crawl` here replaces Scrapy's to add argument checks and exit codes."""
