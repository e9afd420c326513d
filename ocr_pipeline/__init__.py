"""ocr_pipeline: university course-catalog PDFs to trusted course records."""

__version__ = "0.1.0"
