from ocr_pipeline.cli import main

main()
