"""Campaign statistics: daily rollups kept by Celery beat, read together with the live rows of the current day."""
