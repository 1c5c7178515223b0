/**
 * Terms shared by the incident notice (triage) and the post-incident record (report):
 * the languages they are written in and the response phases of an incident.
 */

/** Lang is a language of the notice and the report. */
export type Lang = 'en' | 'zh';

/** Bilingual is one text in every language. */
export type Bilingual = Readonly<Record<Lang, string>>;

/** PHASES are the response phases of an incident (the notice's status), in order. */
export const PHASES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type Phase = (typeof PHASES)[number];
