import { ERROR_STATUS } from '../../src/common/app-error';
import { RunningApp, startApp } from '../support/app';

interface Schema {
  $ref?: string;
  type?: string;
  enum?: string[];
  items?: Schema;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
}
interface Response {
  content?: Record<string, { schema?: Schema }>;
  headers?: Record<string, { schema?: Schema }>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  security?: unknown[];
  parameters?: { in: string; name: string; schema?: Schema }[];
  responses: Record<string, Response>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const ERROR_SCHEMA = '#/components/schemas/ErrorResponseDto';
const PUBLIC = ['register', 'login', 'refreshTokens', 'logout', 'vapidPublicKey'];

const jsonSchema = (r: Response | undefined) => r?.content?.['application/json']?.schema;

describe('the OpenAPI document', () => {
  let app: RunningApp;
  let ops: [string, Operation][];
  let doc: Document;
  beforeAll(async () => {
    app = await startApp();
    const res = await fetch(`${app.url}/api/docs-json`);
    doc = (await res.json()) as Document;
    ops = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, op]): [string, Operation] => [
        `${method.toUpperCase()} ${path}`,
        op,
      ]),
    );
  });
  afterAll(() => app.close());

  it('gives every operation a summary and a readable, unique operation id', () => {
    expect(ops.length).toBeGreaterThan(40);
    expect(ops.filter(([, op]) => !op.summary?.trim()).map(([name]) => name)).toEqual([]);
    const ids = ops.map(([, op]) => op.operationId ?? '');
    expect(ids.filter((id) => !/^[a-z][A-Za-z]+$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents granting and revoking the admin role, with its error answers', () => {
    const op = doc.paths['/api/admin/users/{id}/role']?.put;
    expect(op?.operationId).toBe('setUserRole');
    expect(Object.keys(op?.responses ?? {}).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '503',
    ]);
    expect(doc.components.schemas.SetRoleDto.properties?.role.enum).toEqual(['admin', 'user']);
  });

  it('gives every operation a 2xx answer with a schema, or a 204', () => {
    const without = ops.filter(([, op]) => {
      const ok = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      return !ok.some(([status, r]) => status === '204' || jsonSchema(r) !== undefined);
    });
    expect(without.map(([name]) => name)).toEqual([]);
  });

  it('documents the error envelope once, with every code of the contract', () => {
    const schemas = doc.components.schemas;
    expect(schemas.ErrorResponseDto.properties?.error.$ref).toBe('#/components/schemas/ErrorBodyDto');
    const code = schemas.ErrorBodyDto.properties?.code;
    expect(code?.$ref ?? code?.allOf?.[0].$ref).toBe('#/components/schemas/ErrorCode');
    expect([...(schemas.ErrorCode.enum ?? [])].sort()).toEqual(Object.keys(ERROR_STATUS).sort());
  });

  it('documents 401 on every signed-in operation, 404 wherever a path names something, all with the error schema', () => {
    const signedIn = ops.filter(([, op]) => (op.security ?? []).length > 0);
    expect(ops.filter(([, op]) => !op.security?.length).map(([, op]) => op.operationId)).toEqual(
      expect.arrayContaining(PUBLIC),
    );
    expect(ops.length - signedIn.length).toBe(PUBLIC.length);
    expect(signedIn.filter(([, op]) => jsonSchema(op.responses['401'])?.$ref !== ERROR_SCHEMA)).toEqual([]);

    const withPathParams = ops.filter(([, op]) => op.parameters?.some((p) => p.in === 'path'));
    expect(withPathParams.filter(([, op]) => !op.responses['404']).map(([name]) => name)).toEqual([]);

    const errors = ops.flatMap(([name, op]) =>
      Object.entries(op.responses)
        .filter(([status]) => /^[45]\d\d$/.test(status))
        .map(([status, r]) => ({ name, status, r })),
    );
    expect(errors.filter(({ r }) => jsonSchema(r)?.$ref !== ERROR_SCHEMA)).toEqual([]);
    const unavailable = errors.filter(({ status }) => status === '503');
    expect(unavailable.filter(({ r }) => r.headers?.['Retry-After']?.schema?.type !== 'integer')).toEqual([]);

    const byStatus: Record<string, number> = {};
    for (const { status } of errors) byStatus[status] = (byStatus[status] ?? 0) + 1;
    const opsWithErrors = new Set(errors.map((e) => e.name)).size;
    console.log(
      `OpenAPI: ${ops.length} operations, ${opsWithErrors} with error answers, ${errors.length} error ` +
        `answers documented (${Object.entries(byStatus)
          .map(([s, n]) => `${s}: ${n}`)
          .join(', ')}); 401 on ${signedIn.length}, 404 on ${withPathParams.length} with path parameters`,
    );
    expect(opsWithErrors).toBe(ops.length);
  });

  it('types integer parameters and counts as integers', () => {
    const limits = ops.flatMap(([, op]) => (op.parameters ?? []).filter((p) => p.name === 'limit'));
    expect(limits.length).toBeGreaterThan(3);
    expect(limits.filter((p) => p.schema?.type !== 'integer')).toEqual([]);
    expect(doc.components.schemas.AdminUserPageDto.properties?.total.type).toBe('integer');
    expect(doc.components.schemas.JobCountsDto.properties?.failed.type).toBe('integer');
  });

  it('answers a signed-in call without a token with the documented 401 envelope', async () => {
    const res = await fetch(`${app.url}/api/users/me`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });
});
