import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { saveWall } from './domain/use-cases';
import { actorOf, SERVICE, testimonialsRepository } from './testimonials.context';
import { putWall as route } from './testimonials.routes';

testimonialsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, body, principal }) => {
  const result = await saveWall(testimonialsRepository(), params.wallId, body, actorOf(principal), now().toISOString());
  switch (result.kind) {
    case 'saved':
      return { status: 200, body: { ...result.wall, tags: [...result.wall.tags] } };
    case 'conflict':
      throw Problems.conflict('wall-conflict', 'The wall changed while saving; read it again and retry');
    case 'default-is-everything':
      throw Problems.validation([{ pointer: body.tags.length > 0 ? '/tags' : '/featuredOnly', detail: 'the default wall shows every publishable testimonial: name it or limit it, or make another wall for a selection' }]);
  }
});
