/**
 * Where a household stands in this year's result (保留 / 清退 / 新纳入 …): the categories of the
 * county report and the archive, from the household's status (src/core/household-flow.ts).
 */

export const CATEGORIES = ['kept', 'removed', 'new_pending', 'new_awaiting', 'new_approved', 'rejected'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_NAMES: Record<Category, string> = {
  kept: '保留',
  removed: '清退',
  new_pending: '新申请·审核中',
  new_awaiting: '新纳入·待县审批',
  new_approved: '新纳入·县已批准',
  rejected: '申请未通过',
};

export function categoryOf(h: { status: string; applicant: boolean }): Category {
  if (h.status === 'removed') return 'removed';
  if (!h.applicant) return 'kept';
  if (h.status === 'county_approved' || h.status === 'included') return 'new_approved';
  if (h.status === 'township_approved') return 'new_awaiting';
  if (h.status === 'rejected') return 'rejected';
  return 'new_pending';
}

/** Counted in the five batches, helper and help-card figures (DESIGN §2 duties): included or approved by the county. */
export const isIncludedStatus = (status: string): boolean => status === 'included' || status === 'county_approved';
