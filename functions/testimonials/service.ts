import { CustomerErasureRequested } from '../../events/customer-erasure-requested';
import { DetractorIdentified, PromoterIdentified } from '../../events/feedback';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import { PurchaseRefunded } from '../../events/purchase-refunded';
import { ReferralRewarded } from '../../events/referrals';
import { TESTIMONIAL_EVENTS, TestimonialApproved, TestimonialRejected, TestimonialWithdrawn } from '../../events/testimonials';
import { TierChanged } from '../../events/tier-changed';
import { defineService, keyedTable } from '../../shared/service/declarations';
import * as routes from './testimonials.routes';

const CONTACT_BUDGET = 'functions/feedback/contact-budget.facade.ts';
/** The numbers a case-study score is built from, each read through its owner's facade. */
const SCORE_SOURCES = [CONTACT_BUDGET, 'functions/purchases/purchases.reads.facade.ts', 'functions/referrals/referrals.reads.facade.ts', 'functions/loyalty/loyalty.reads.facade.ts'];
const reads = { memoryMb: 256, timeoutSeconds: 10, tables: { testimonials: 'read' } } as const;
const writes = { memoryMb: 256, timeoutSeconds: 10, tables: { testimonials: 'readWrite' } } as const;
const consumer = { retryAttempts: 2, maxEventAgeSeconds: 6 * 3600 } as const;

/** Testimonials: requests to the right customers, consented submissions, moderation, walls and case-study candidates. */
export const testimonialsService = defineService({
  name: 'testimonials',
  description: 'Testimonial requests, submissions with consent, moderation, walls of love and case-study candidates',
  tables: {
    // gsi1: testimonials by status (the moderation queue); gsi2: a customer's requests and testimonials, and the walls;
    // gsi3: publishable testimonials in wall order (keys only: walls re-read each consistently); gsi4: eligible
    // case-study candidates by score. Event items expire once relayed.
    testimonials: keyedTable({ envVar: 'TESTIMONIALS_TABLE_NAME', indexes: ['gsi1', 'gsi2', { name: 'gsi3', projection: 'keys' }, 'gsi4'], stream: true, timeToLiveAttribute: 'expiresAt' }),
  },
  functions: {
    getTestimonialSettings: { entry: 'functions/testimonials/get-settings.handler.ts', description: 'GET /v1/testimonial-settings', ...reads },
    putTestimonialSettings: { entry: 'functions/testimonials/put-settings.handler.ts', description: 'PUT /v1/testimonial-settings', ...writes },
    createTestimonialRequests: { entry: 'functions/testimonials/create-requests.handler.ts', description: 'POST /v1/testimonial-requests', ...writes, timeoutSeconds: 29, uses: [CONTACT_BUDGET] },
    getTestimonialRequest: { entry: 'functions/testimonials/get-request.handler.ts', description: 'GET /v1/testimonial-requests/{requestId}', ...reads },
    revokeTestimonialRequest: { entry: 'functions/testimonials/revoke-request.handler.ts', description: 'POST /v1/testimonial-requests/{requestId}/revoke', ...writes },
    regenerateTestimonialRequest: { entry: 'functions/testimonials/regenerate-request.handler.ts', description: 'POST /v1/testimonial-requests/{requestId}/regenerate', ...writes },
    testimonialForm: { entry: 'functions/testimonials/form-page.handler.ts', description: 'GET /t/{token}', ...reads },
    submitTestimonial: { entry: 'functions/testimonials/submit.handler.ts', description: 'POST /v1/testimonials', ...writes },
    listTestimonials: { entry: 'functions/testimonials/list.handler.ts', description: 'GET /v1/testimonials', ...reads },
    getTestimonial: { entry: 'functions/testimonials/get.handler.ts', description: 'GET /v1/testimonials/{testimonialId}', ...reads },
    approveTestimonial: { entry: 'functions/testimonials/approve.handler.ts', description: 'POST /v1/testimonials/{testimonialId}/approve', ...writes },
    rejectTestimonial: { entry: 'functions/testimonials/reject.handler.ts', description: 'POST /v1/testimonials/{testimonialId}/reject', ...writes },
    curateTestimonial: { entry: 'functions/testimonials/curate.handler.ts', description: 'PATCH /v1/testimonials/{testimonialId}', ...writes },
    withdrawOwnTestimonial: { entry: 'functions/testimonials/withdraw-own.handler.ts', description: 'POST /v1/customers/{customerId}/testimonials/{testimonialId}/withdraw', ...writes },
    withdrawTestimonialByLink: { entry: 'functions/testimonials/withdraw-by-link.handler.ts', description: 'POST /v1/testimonials/withdrawals', ...writes },
    listCustomerTestimonials: { entry: 'functions/testimonials/list-customer.handler.ts', description: 'GET /v1/customers/{customerId}/testimonials', ...reads },
    listWalls: { entry: 'functions/testimonials/list-walls.handler.ts', description: 'GET /v1/walls', ...reads },
    putWall: { entry: 'functions/testimonials/put-wall.handler.ts', description: 'PUT /v1/walls/{wallId}', ...writes },
    deleteWall: { entry: 'functions/testimonials/delete-wall.handler.ts', description: 'DELETE /v1/walls/{wallId}', ...writes },
    showWall: { entry: 'functions/testimonials/show-wall.handler.ts', description: 'GET /v1/walls/{wallId}', ...reads },
    wallWidget: { entry: 'functions/testimonials/widget.handler.ts', description: 'GET /w/{file}', memoryMb: 128, timeoutSeconds: 5, tables: {} },
    listCaseStudyCandidates: { entry: 'functions/testimonials/candidates.handler.ts', description: 'GET /v1/case-study-candidates', ...reads },
    getCaseStudyCandidate: { entry: 'functions/testimonials/get-candidate.handler.ts', description: 'GET /v1/case-study-candidates/{customerId}', ...reads },
    moveCaseStudyCandidate: { entry: 'functions/testimonials/move-candidate.handler.ts', description: 'POST /v1/case-study-candidates/{customerId}/stage', ...writes },
    noteCaseStudyCandidate: { entry: 'functions/testimonials/note-candidate.handler.ts', description: 'POST /v1/case-study-candidates/{customerId}/notes', ...writes },
    testimonialTriggers: {
      entry: 'functions/testimonials/triggers.handler.ts',
      description: 'Asks for a testimonial after a promoter answer, a tier upgrade and a referral that paid off (one request per trigger, within the contact budget)',
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: { testimonials: 'readWrite' },
      uses: [CONTACT_BUDGET],
    },
    candidateSignals: {
      entry: 'functions/testimonials/signals.handler.ts',
      description: "Recomputes a customer's case-study score from the services that own its numbers",
      memoryMb: 256,
      timeoutSeconds: 30,
      tables: { testimonials: 'readWrite' },
      uses: SCORE_SOURCES,
    },
    eraseTestimonialsCustomer: { entry: 'functions/testimonials/erase-customer.handler.ts', description: 'CustomerErasureRequested in the testimonials service', memoryMb: 256, timeoutSeconds: 120, tables: { testimonials: 'readWrite' } },
    exportTestimonialsCustomer: { entry: 'functions/testimonials/export-customer.handler.ts', description: "The testimonials part of a customer's data export", memoryMb: 256, timeoutSeconds: 25, tables: { testimonials: 'read' } },
  },
  routes: [
    { route: routes.getTestimonialSettings, function: 'getTestimonialSettings' },
    { route: routes.putTestimonialSettings, function: 'putTestimonialSettings' },
    { route: routes.createTestimonialRequests, function: 'createTestimonialRequests' },
    { route: routes.getTestimonialRequest, function: 'getTestimonialRequest' },
    { route: routes.revokeTestimonialRequest, function: 'revokeTestimonialRequest' },
    { route: routes.regenerateTestimonialRequest, function: 'regenerateTestimonialRequest' },
    { route: routes.testimonialForm, function: 'testimonialForm' },
    { route: routes.submitTestimonial, function: 'submitTestimonial' },
    { route: routes.listTestimonials, function: 'listTestimonials' },
    { route: routes.getTestimonial, function: 'getTestimonial' },
    { route: routes.approveTestimonial, function: 'approveTestimonial' },
    { route: routes.rejectTestimonial, function: 'rejectTestimonial' },
    { route: routes.curateTestimonial, function: 'curateTestimonial' },
    { route: routes.withdrawOwnTestimonial, function: 'withdrawOwnTestimonial' },
    { route: routes.withdrawByLink, function: 'withdrawTestimonialByLink' },
    { route: routes.listCustomerTestimonials, function: 'listCustomerTestimonials' },
    { route: routes.listWalls, function: 'listWalls' },
    { route: routes.putWall, function: 'putWall' },
    { route: routes.deleteWall, function: 'deleteWall' },
    { route: routes.showWall, function: 'showWall' },
    { route: routes.wallWidget, function: 'wallWidget' },
    { route: routes.listCandidates, function: 'listCaseStudyCandidates' },
    { route: routes.getCandidate, function: 'getCaseStudyCandidate' },
    { route: routes.moveCandidate, function: 'moveCaseStudyCandidate' },
    { route: routes.noteCandidate, function: 'noteCaseStudyCandidate' },
  ],
  subscriptions: [
    { name: 'testimonials-after-promoter', event: PromoterIdentified, function: 'testimonialTriggers', ...consumer },
    { name: 'testimonials-after-tier-upgrade', event: TierChanged, function: 'testimonialTriggers', ...consumer },
    { name: 'testimonials-after-referral-reward', event: ReferralRewarded, function: 'testimonialTriggers', ...consumer },
    { name: 'testimonials-candidates-promoter', event: PromoterIdentified, function: 'candidateSignals', ...consumer },
    { name: 'testimonials-candidates-detractor', event: DetractorIdentified, function: 'candidateSignals', ...consumer },
    { name: 'testimonials-candidates-referral-reward', event: ReferralRewarded, function: 'candidateSignals', ...consumer },
    { name: 'testimonials-candidates-tier', event: TierChanged, function: 'candidateSignals', ...consumer },
    { name: 'testimonials-candidates-purchase', event: PurchaseRecorded, function: 'candidateSignals', ...consumer },
    { name: 'testimonials-candidates-refund', event: PurchaseRefunded, function: 'candidateSignals', ...consumer },
    { name: 'testimonials-candidates-approved', event: TestimonialApproved, function: 'candidateSignals', ...consumer },
    { name: 'testimonials-candidates-rejected', event: TestimonialRejected, function: 'candidateSignals', ...consumer },
    { name: 'testimonials-candidates-withdrawn', event: TestimonialWithdrawn, function: 'candidateSignals', ...consumer },
    { name: 'testimonials-erase-customer', event: CustomerErasureRequested, function: 'eraseTestimonialsCustomer', ...consumer },
  ],
  produces: [...TESTIMONIAL_EVENTS],
  privacy: { export: 'exportTestimonialsCustomer', erase: 'eraseTestimonialsCustomer' },
});
