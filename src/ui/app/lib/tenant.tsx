// What every screen needs about the signed-in tenant, loaded once after sign-in: settings, the catalog of triggers
// and actions, and the names of locations, services, resources and customers (for pickers and readable lists).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, listAll } from './api';
import type { ActionInfo, Customer, Helper, Location, Resource, Service, Settings, TriggerInfo } from './types';

export interface TenantData {
  settings: Settings;
  triggers: TriggerInfo[];
  actions: ActionInfo[];
  helpers: Helper[];
  locations: Location[];
  services: Service[];
  resources: Resource[];
  customers: Customer[];
  /** Which optional APIs this server has (features landing at different times). */
  features: { waitlist: boolean; webhooks: boolean; openapi: Record<string, any> | null };
}

export interface Tenant extends TenantData {
  trigger(type: string): TriggerInfo | undefined;
  action(type: string): ActionInfo | undefined;
  name(kind: 'location' | 'service' | 'resource' | 'customer', id: string | null | undefined): string;
  /** The time zone a resource's bookings are shown in: its location's, else the tenant's. */
  zoneOf(resourceId: string): string;
  refresh(): Promise<void>;
  setSettings(s: Settings): void;
}

const Ctx = createContext<Tenant | null>(null);

export function useTenant(): Tenant {
  const t = useContext(Ctx);
  if (!t) throw new Error('useTenant outside TenantProvider');
  return t;
}

export async function loadTenant(): Promise<TenantData> {
  const [settings, triggers, actions, locations, services, resources, customers, openapi] = await Promise.all([
    api.get<Settings>('/settings'),
    api.get<{ items: TriggerInfo[]; helpers: Helper[] }>('/catalog/triggers'),
    api.get<{ items: ActionInfo[] }>('/catalog/actions'),
    listAll<Location>('/locations'),
    listAll<Service>('/services'),
    listAll<Resource>('/resources'),
    listAll<Customer>('/customers', 1000),
    api.get<Record<string, any>>('/openapi.json').catch(() => null),
  ]);
  const paths = (openapi?.paths ?? {}) as Record<string, unknown>;
  return {
    settings, triggers: triggers.items, helpers: triggers.helpers ?? [], actions: actions.items,
    locations, services, resources, customers,
    features: { waitlist: '/api/settings/waitlist' in paths || '/api/facility-waitlist' in paths, webhooks: '/api/webhooks' in paths, openapi },
  };
}

export function TenantProvider({ initial, children }: { initial: TenantData; children: ReactNode }) {
  const [data, setData] = useState(initial);
  useEffect(() => setData(initial), [initial]);
  const refresh = useCallback(async () => setData(await loadTenant()), []);
  const value = useMemo<Tenant>(() => {
    const maps = {
      location: new Map(data.locations.map((x) => [x.id, x.name])),
      service: new Map(data.services.map((x) => [x.id, x.name])),
      resource: new Map(data.resources.map((x) => [x.id, x.name])),
      customer: new Map(data.customers.map((x) => [x.id, x.name])),
    };
    return {
      ...data,
      trigger: (type) => data.triggers.find((t) => t.type === type),
      action: (type) => data.actions.find((a) => a.type === type),
      name: (kind, id) => (id ? maps[kind].get(id) ?? id : '—'),
      zoneOf: (resourceId) => {
        const r = data.resources.find((x) => x.id === resourceId);
        return data.locations.find((l) => l.id === r?.locationId)?.timezone ?? data.settings.timezone;
      },
      refresh,
      setSettings: (settings) => setData((d) => ({ ...d, settings })),
    };
  }, [data, refresh]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
