"""OCR engines behind one protocol (``OcrEngine``). Imports neither Dagster nor boto3."""
