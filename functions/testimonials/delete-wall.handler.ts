import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { DEFAULT_WALL_ID } from './domain/testimonial';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { deleteWall as route } from './testimonials.routes';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  if (params.wallId === DEFAULT_WALL_ID) throw Problems.conflict('default-wall', 'The default wall always exists; it cannot be deleted');
  if (!(await testimonialsRepository().deleteWall(params.wallId))) throw Problems.notFound(`No wall ${params.wallId}`);
  return { status: 204 };
});
