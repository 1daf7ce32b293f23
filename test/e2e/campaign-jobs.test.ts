// The campaign of scheduled jobs with the server's process time zone set to UTC.
// (The zone is set before the code under test is imported; the suite checks it took effect.)
export {};
process.env.TZ = 'UTC';
const { campaignSuite } = await import('./campaign-jobs.scenario');
campaignSuite('UTC', 0);
