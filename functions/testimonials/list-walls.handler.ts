import { httpHandler } from '../../shared/http/stack';
import { DEFAULT_WALL_ID, defaultWall } from './domain/testimonial';
import { SERVICE, testimonialsRepository } from './testimonials.context';
import { listWalls as route } from './testimonials.routes';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async () => {
  const walls = await testimonialsRepository().listWalls();
  const all = walls.some((wall) => wall.wallId === DEFAULT_WALL_ID) ? walls : [defaultWall(), ...walls];
  return { status: 200, body: { items: all.map((wall) => ({ ...wall, tags: [...wall.tags] })) } };
});
