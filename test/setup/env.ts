// No test may reach outside 127.0.0.1: AWS SDK clients get static fake credentials and no metadata probes.
process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
process.env['AWS_ACCESS_KEY_ID'] ??= 'test';
process.env['AWS_SECRET_ACCESS_KEY'] ??= 'test';
process.env['AWS_REGION'] ??= 'us-east-1';
