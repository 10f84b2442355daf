"""Monthly statistics (``stats``), the month's report (``monthly``), its layout for every output format
(``layout``) and the machine-readable summary (``summary``)."""
