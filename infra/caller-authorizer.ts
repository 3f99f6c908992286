// Optional: an Amazon Cognito user pool authorizer in front of the model routes (context
// `callerUserPoolArn`, and `callerScopes` for access tokens). API Gateway then refuses a request without
// a valid token of the pool before the gateway function runs, so unauthenticated traffic costs no
// invocation; the function still verifies the token itself (enable_jwt_auth, with JWT_PUBLIC_KEY_URL set
// to the pool's keys here), since budgets, limits and model access need the team and user it names.
// The admin routes keep their keys. README "Deploy to AWS" weighs it against the in-function check alone.
import { Duration } from 'aws-cdk-lib';
import { AuthorizationType, CognitoUserPoolsAuthorizer, type MethodOptions } from 'aws-cdk-lib/aws-apigateway';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import type { TollgateSettings } from './settings.ts';

/** API Gateway keeps a token's verdict this long (its default), so most calls skip the check. */
const VERDICT_CACHE = Duration.minutes(5);

/** The method options of the model routes, and the JWKS URL the function verifies the pool's tokens by; none without the context. */
export function callerAuthorizer(scope: Construct, settings: TollgateSettings): { methods: MethodOptions; jwksUrl: string } | undefined {
  const arn = settings.callerUserPoolArn;
  if (!arn) return undefined;
  const authorizer = new CognitoUserPoolsAuthorizer(scope, 'CallerAuthorizer', {
    cognitoUserPools: [UserPool.fromUserPoolArn(scope, 'CallerPool', arn)],
    resultsCacheTtl: VERDICT_CACHE,
  });
  // arn:aws:cognito-idp:<region>:<account>:userpool/<pool id>
  const [, , , region, , resource] = arn.split(':');
  const poolId = resource!.slice('userpool/'.length);
  return {
    methods: { authorizer, authorizationType: AuthorizationType.COGNITO, authorizationScopes: settings.callerScopes },
    jwksUrl: `https://cognito-idp.${region}.amazonaws.com/${poolId}/.well-known/jwks.json`,
  };
}
