// Each process keeps a tenant's enabled workflows in memory, indexed by trigger type and by scope (resource,
// location, service), and reloads them when the tenant's `workflows_version` moves. Dispatch cost therefore grows
// with the workflows that could apply to an event, not with the tenant's unrelated workflows.
import type { Queryable } from '../db/data-source.js';
import { rows } from '../db/sql.js';
import type { TriggerModule } from './contracts.js';
import type { Scope } from './context.js';
import { scopeReason } from './filters.js';
import { triggers } from './registry.js';
import { emptyFilters } from './workflow-schema.js';
import type { WorkflowRow } from './workflows.js';

export interface CachedWorkflow {
  row: WorkflowRow;
  trigger: TriggerModule<any>;
}

class TriggerIndex {
  readonly all: CachedWorkflow[] = [];
  private unscoped: CachedWorkflow[] = [];
  private byResource = new Map<string, CachedWorkflow[]>();
  private byLocation = new Map<string, CachedWorkflow[]>();
  private byService = new Map<string, CachedWorkflow[]>();

  add(w: CachedWorkflow): void {
    this.all.push(w);
    const f = w.row.filters;
    // Each workflow goes into its most selective bucket; a lookup reads one key per bucket, so no duplicates.
    const [map, keys] = f.resourceIds?.length ? [this.byResource, f.resourceIds]
      : f.locationIds?.length ? [this.byLocation, f.locationIds]
        : f.serviceIds?.length ? [this.byService, f.serviceIds] : [null, []];
    if (!map) this.unscoped.push(w);
    else for (const k of keys) map.set(k, [...(map.get(k) ?? []), w]);
  }

  /** Workflows whose scope filters (location, service, resource) cover this scope. */
  inScope(s: Scope): CachedWorkflow[] {
    const found = [
      ...this.unscoped,
      ...(s.resourceId ? this.byResource.get(s.resourceId) ?? [] : []),
      ...(s.locationId ? this.byLocation.get(s.locationId) ?? [] : []),
      ...(s.serviceId ? this.byService.get(s.serviceId) ?? [] : []),
    ];
    return found.filter((w) => scopeReason({ ...emptyFilters(), ...w.row.filters }, s) === null);
  }
}

export class TenantWorkflows {
  private byTrigger = new Map<string, TriggerIndex>();
  constructor(readonly version: string, list: WorkflowRow[]) {
    for (const row of list) {
      const trigger = triggers.get(row.trigger_type)?.module;
      if (!trigger) continue; // a type this build does not know (a newer deploy wrote it): ignore, never crash
      row.filters = { ...emptyFilters(), ...row.filters };
      const idx = this.byTrigger.get(row.trigger_type) ?? new TriggerIndex();
      idx.add({ row, trigger });
      this.byTrigger.set(row.trigger_type, idx);
    }
  }

  candidates(triggerTypes: string[], scope: Scope): CachedWorkflow[] {
    return triggerTypes.flatMap((t) => this.byTrigger.get(t)?.inScope(scope) ?? []);
  }

  ofTypes(triggerTypes: string[]): CachedWorkflow[] {
    return triggerTypes.flatMap((t) => this.byTrigger.get(t)?.all ?? []);
  }
}

export class WorkflowCache {
  private tenants = new Map<string, TenantWorkflows>();

  /** The tenant's enabled workflows as of `version` (read it in the same query as the event, or just before). */
  async get(db: Queryable, tenantId: string, version: string): Promise<TenantWorkflows> {
    const cached = this.tenants.get(tenantId);
    if (cached && cached.version === String(version)) return cached;
    const list = await rows<WorkflowRow>(db, 'SELECT * FROM workflows WHERE tenant_id = $1 AND enabled ORDER BY created_at, id', [tenantId]);
    const fresh = new TenantWorkflows(String(version), list);
    this.tenants.set(tenantId, fresh);
    return fresh;
  }

  /**
   * The version of the tenant's cached workflows if none of them has one of these trigger types; undefined when
   * some has, or when the tenant is not cached. Asks nothing of the database: the answer may be out of date, so a
   * caller acts on it only while the tenant's workflows_version is still the one answered.
   */
  noneOfTypesAt(tenantId: string, triggerTypes: string[]): string | undefined {
    const cached = this.tenants.get(tenantId);
    return cached && cached.ofTypes(triggerTypes).length === 0 ? cached.version : undefined;
  }

  async current(db: Queryable, tenantId: string): Promise<TenantWorkflows> {
    const [t] = await rows<{ v: string }>(db, 'SELECT workflows_version::text AS v FROM tenants WHERE id = $1', [tenantId]);
    return this.get(db, tenantId, t?.v ?? '0');
  }
}
