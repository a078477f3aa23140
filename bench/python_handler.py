"""What most teams would write instead: a Python 3.11 handler that imports boto3 and
builds a DynamoDB client at start-up, then asks the Runtime API for its first event
(as the Lambda runtime interface client does)."""
import os
import urllib.request

import boto3

dynamodb = boto3.client("dynamodb")
api = os.environ["AWS_LAMBDA_RUNTIME_API"]
urllib.request.urlopen(f"http://{api}/2018-06-01/runtime/invocation/next", timeout=30)
