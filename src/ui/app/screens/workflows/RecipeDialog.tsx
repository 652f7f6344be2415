// Starting from a recipe (GET /api/workflows/recipes): the usual confirmation, reminder, cancellation, approval and
// follow-up workflows. Adding one creates it switched off and opens it in the builder to review and enable.
import { useState } from 'react';
import { api } from '../../lib/api';
import { navigate } from '../../lib/router';
import { useLoad } from '../../lib/use-api';
import { Dialog } from '../../components/Dialog';
import { Button, ErrorBanner, Loading } from '../../components/ui';
import { useToast } from '../../components/Toasts';

interface Recipe { key: string; name: string; description: string; summary: string }

export function RecipeDialog({ onClose }: { onClose(): void }) {
  const toast = useToast();
  const recipes = useLoad((signal) => api.get<{ items: Recipe[] }>('/workflows/recipes', { signal }), []);
  const [adding, setAdding] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function add(r: Recipe) {
    setAdding(r.key);
    setError(null);
    try {
      const w = await api.post<{ id: string }>(`/workflows/recipes/${encodeURIComponent(r.key)}`, {});
      toast(`Added “${r.name}”, switched off: review it, then enable it`);
      onClose();
      navigate(`/workflows/${encodeURIComponent(w.id)}`);
    } catch (err) {
      setError(err);
    } finally {
      setAdding(null);
    }
  }

  return (
    <Dialog open wide title="Start from a recipe" onClose={onClose} footer={<Button onClick={onClose}>Cancel</Button>}>
      <ErrorBanner error={error} title="The workflow was not added" />
      {recipes.loading && !recipes.data ? <Loading label="Loading recipes…" /> : null}
      <ErrorBanner error={recipes.error} title="Recipes could not be loaded" onRetry={() => recipes.reload()} />
      <ul className="recipe-list">
        {(recipes.data?.items ?? []).map((r) => (
          <li key={r.key} className="recipe">
            <div>
              <strong>{r.name}</strong>
              <p className="muted small">{r.summary} · {r.description}</p>
            </div>
            <Button size="sm" busy={adding === r.key} disabled={adding !== null && adding !== r.key} onClick={() => add(r)} aria-label={`Add ${r.name}`}>Add</Button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
