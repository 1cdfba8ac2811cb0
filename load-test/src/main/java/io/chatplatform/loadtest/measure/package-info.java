/**
 * Measuring without coordinated omission: {@link io.chatplatform.loadtest.measure.OpenLoopSchedule} says when each
 * request is due, latencies count from that due time into HdrHistograms, and
 * {@link io.chatplatform.loadtest.measure.ReportTable} prints the figures as the Markdown table of docs/benchmarks.md.
 */
package io.chatplatform.loadtest.measure;
