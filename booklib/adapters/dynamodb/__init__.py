"""DynamoDB repositories over the Users, Books and UserBooks tables (see docs/dynamodb.md)."""
