"""Output formats: findings for terminals and CI hosts (``findings``), reports as Markdown (``markdown``)
and as Excel workbooks (``xlsx``)."""
