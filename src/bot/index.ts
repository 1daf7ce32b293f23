// The bot with every feature registered. Features add themselves here, one line each.
import { Bot } from './bot';
import { help } from './features/help';
import { setup } from './features/setup';
import { imports } from './features/imports';
import { progress } from './features/progress';
import { crosscheck } from './features/crosscheck';
import { reviewHouseholds } from './features/review-households';
import { reviewMeetings } from './features/review-meetings';
import { reviewNotice } from './features/review-notice';
import { reviewStages } from './features/review-stages';
import { countyReport } from './features/report';
import { outreach } from './features/outreach';
import { accountabilityFeature } from './features/accountability';
import { overdueAlerts } from './features/alerts';
import { helpers } from './features/helpers';
import { batches } from './features/batches';
import { helpcards } from './features/helpcards';
import { visits } from './features/visits';
import { plans } from './features/plans';
import { membership } from './features/membership';

export function createBot(): Bot {
  return new Bot()
    .use(help)
    .use(setup)
    .use(imports)
    .use(progress)
    .use(crosscheck)
    .use(reviewHouseholds)
    .use(reviewMeetings)
    .use(reviewNotice)
    .use(reviewStages)
    .use(countyReport)
    .use(outreach)
    .use(overdueAlerts)
    .use(accountabilityFeature)
    .use(helpers)
    .use(batches)
    .use(helpcards)
    .use(visits)
    .use(plans)
    .use(membership);
}
