"""The Scrapy project: the `health` spider, its pipelines, middlewares and the demo site."""
