import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Redshift Serverless control-plane API (AWS JSON 1.1, target
 * `RedshiftServerless.*`) for the `tweetpipe infra` tests: moto, which serves every other service
 * those tests use, has no Redshift Serverless. It keeps namespaces and workgroups in memory and
 * answers the operations tweetpipe calls, with AWS's error shapes; it records every call.
 */
export interface RedshiftServerlessEndpoint {
  url: string;
  calls: { op: string; input: Record<string, unknown> }[];
  namespaces: Map<string, Record<string, unknown>>;
  workgroups: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startRedshiftServerlessEndpoint(
  account = '123456789012',
  region = 'us-east-1',
): Promise<RedshiftServerlessEndpoint> {
  const calls: RedshiftServerlessEndpoint['calls'] = [];
  const namespaces = new Map<string, Record<string, unknown>>();
  const workgroups = new Map<string, Record<string, unknown>>();
  const fail = (status: number, type: string, message: string) => ({
    status,
    body: { __type: type, message },
  });
  const ok = (body: Record<string, unknown>) => ({ status: 200, body });
  const handle = (op: string, input: Record<string, unknown>) => {
    switch (op) {
      case 'CreateNamespace': {
        const name = String(input.namespaceName);
        if (namespaces.has(name)) return fail(400, 'ConflictException', `Namespace ${name} already exists`);
        if (input.adminUserPassword !== undefined && input.manageAdminPassword)
          return fail(400, 'ValidationException', 'adminUserPassword and manageAdminPassword are exclusive');
        const ns = {
          namespaceName: name,
          namespaceArn: `arn:aws:redshift-serverless:${region}:${account}:namespace/${name}`,
          namespaceId: `ns-${name}`,
          dbName: input.dbName,
          adminUsername: input.adminUsername,
          kmsKeyId: input.kmsKeyId,
          iamRoles: input.iamRoles,
          defaultIamRoleArn: input.defaultIamRoleArn,
          logExports: input.logExports,
          status: 'AVAILABLE',
          ...(input.manageAdminPassword
            ? {
                adminPasswordSecretArn: `arn:aws:secretsmanager:${region}:${account}:secret:redshift!${name}-admin-Ab12Cd`,
              }
            : {}),
        };
        namespaces.set(name, ns);
        return ok({ namespace: ns });
      }
      case 'GetNamespace': {
        const ns = namespaces.get(String(input.namespaceName));
        return ns
          ? ok({ namespace: ns })
          : fail(400, 'ResourceNotFoundException', `Namespace ${input.namespaceName} not found`);
      }
      case 'DeleteNamespace': {
        const name = String(input.namespaceName);
        const ns = namespaces.get(name);
        if (!ns) return fail(400, 'ResourceNotFoundException', `Namespace ${name} not found`);
        if ([...workgroups.values()].some((w) => w.namespaceName === name))
          return fail(400, 'ConflictException', `Namespace ${name} still has a workgroup`);
        namespaces.delete(name);
        return ok({ namespace: { ...ns, status: 'DELETING' } });
      }
      case 'CreateWorkgroup': {
        const name = String(input.workgroupName);
        if (workgroups.has(name)) return fail(400, 'ConflictException', `Workgroup ${name} already exists`);
        if (!namespaces.has(String(input.namespaceName)))
          return fail(400, 'ResourceNotFoundException', `Namespace ${input.namespaceName} not found`);
        const wg = {
          workgroupName: name,
          workgroupArn: `arn:aws:redshift-serverless:${region}:${account}:workgroup/${name}`,
          namespaceName: input.namespaceName,
          baseCapacity: input.baseCapacity,
          publiclyAccessible: input.publiclyAccessible ?? false,
          enhancedVpcRouting: input.enhancedVpcRouting ?? false,
          subnetIds: input.subnetIds,
          securityGroupIds: input.securityGroupIds,
          configParameters: input.configParameters,
          status: 'AVAILABLE',
        };
        workgroups.set(name, wg);
        return ok({ workgroup: wg });
      }
      case 'GetWorkgroup': {
        const wg = workgroups.get(String(input.workgroupName));
        return wg
          ? ok({ workgroup: wg })
          : fail(400, 'ResourceNotFoundException', `Workgroup ${input.workgroupName} not found`);
      }
      case 'UpdateWorkgroup': {
        const wg = workgroups.get(String(input.workgroupName));
        if (!wg) return fail(400, 'ResourceNotFoundException', `Workgroup ${input.workgroupName} not found`);
        Object.assign(wg, Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'workgroupName')));
        return ok({ workgroup: wg });
      }
      case 'DeleteWorkgroup': {
        const wg = workgroups.get(String(input.workgroupName));
        if (!wg) return fail(400, 'ResourceNotFoundException', `Workgroup ${input.workgroupName} not found`);
        workgroups.delete(String(input.workgroupName));
        return ok({ workgroup: { ...wg, status: 'DELETING' } });
      }
      default:
        return fail(400, 'UnknownOperationException', `${op} is not served by this test endpoint`);
    }
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = target.replace(/^RedshiftServerless\./, '');
      const input = chunks.length
        ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
        : {};
      calls.push({ op, input });
      const r = handle(op, input);
      res.writeHead(r.status, {
        'content-type': 'application/x-amz-json-1.1',
        ...(r.status >= 400 ? { 'x-amzn-errortype': String(r.body.__type) } : {}),
      });
      res.end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    namespaces,
    workgroups,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
