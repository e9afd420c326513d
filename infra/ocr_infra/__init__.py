"""The AWS deployment of ocr_pipeline as CDK constructs, composed into one stack per environment."""
