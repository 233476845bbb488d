import { pagedListing } from '../../shared/http/listing';
import { httpHandler } from '../../shared/http/stack';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { listTestimonials as route, moderationQuery } from './testimonials.routes';
import { testimonialView } from './testimonials.views';

testimonialsRepository();

/** The moderation queue and the other statuses; a tag or rating filter may make a page short: follow nextCursor. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ query }) => {
  const parsed = moderationQuery.parse(query);
  const { status, tag, rating, ...page } = parsed;
  return pagedListing(
    { ...(page.limit !== undefined ? { limit: String(page.limit) } : {}), ...(page.cursor ? { cursor: page.cursor } : {}) },
    (paging) => testimonialsRepository().moderationPage({ status, ...(tag ? { tag } : {}), ...(rating !== undefined ? { rating } : {}), limit: paging.limit, ...(paging.cursor ? { cursor: paging.cursor } : {}) }),
    testimonialView,
  );
});
