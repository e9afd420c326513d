import pytest

# assert_records compares whole records: let pytest show the differing fields when it fails
pytest.register_assert_rewrite("ocr_pipeline_tests.catalog.typeset")
