// Priority: who on the waitlist gets a freed seat first. The default rule is the facility API's:
//   priorityScore = basePriority (100) + memberTierBonus (0-50, from settings.tierBonus) + earlyBirdBonus
// where the early-bird bonus is one point per whole day between joining and the desired start, up to
// settings.earlyBirdCap. The whole rule is replaceable: install another provider with setPriorityRules().
import type { WaitlistSettings } from './settings.js';

export interface ScoreInput {
  joinedAt: Date;
  desiredStart: Date;
  tier: string | null;
}

export interface Score {
  score: number;
  /** Each part of the score, stored with the entry and shown in allocation explanations. */
  components: Record<string, number>;
}

export interface PriorityRules {
  name: string;
  score(input: ScoreInput, settings: WaitlistSettings): Score;
}

const DAY_MS = 86_400_000;

export const defaultRules: PriorityRules = {
  name: 'base+tier+early-bird',
  score({ joinedAt, desiredStart, tier }, settings) {
    const base = 100;
    // Own keys only: a tier named "constructor" or "__proto__" read Object.prototype's (and scored NaN, a 500).
    const bonus = tier && Object.hasOwn(settings.tierBonus, tier) ? Number(settings.tierBonus[tier]) : 0;
    const tierBonus = Number.isFinite(bonus) ? Math.min(50, Math.max(0, bonus)) : 0;
    const days = Math.floor((desiredStart.getTime() - joinedAt.getTime()) / DAY_MS);
    const earlyBird = Math.max(0, Math.min(settings.earlyBirdCap, days));
    return { score: base + tierBonus + earlyBird, components: { base, tierBonus, earlyBird } };
  },
};

let rules: PriorityRules = defaultRules;

/** Replaces the priority rule (e.g. a club's own). Existing entries keep their stored scores until recomputed. */
export function setPriorityRules(r: PriorityRules): void {
  rules = r;
}

export const priorityRules = (): PriorityRules => rules;
