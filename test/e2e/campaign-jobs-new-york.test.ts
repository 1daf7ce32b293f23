// The campaign of scheduled jobs with the server's process time zone set to America/New_York
// (UTC-5 in December, so the CST day starts at 11:00 the previous day there).
export {};
process.env.TZ = 'America/New_York';
const { campaignSuite } = await import('./campaign-jobs.scenario');
campaignSuite('America/New_York', 300);
