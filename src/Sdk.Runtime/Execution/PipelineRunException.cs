using System;

namespace Sdk.Runtime;

/// <summary>
/// A pipelined run failed. The output chip writes micro-batches in order, so the first <see cref="Completed"/>
/// micro-batches (<see cref="CompletedSamples"/> samples) are in the output, computed in full; every later one
/// failed and its output is not to be used. No micro-batch is dropped silently: each is in one of the two groups.
/// The cause is the <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class PipelineRunException : Exception
{
    internal PipelineRunException(string network, int chip, int failedMicroBatch, int microBatches, int completed, int completedSamples, int samples, Exception inner)
        : base(
            $"Network '{network}': the pipelined run failed on chip {chip} at micro-batch {failedMicroBatch} of {microBatches}: {inner.Message} " +
            (completed == 0
                ? $"No micro-batch was completed; none of the {samples} samples' outputs was written."
                : $"Micro-batches 0 to {completed - 1} (samples 0 to {completedSamples - 1}) were written to the output; micro-batches {completed} to {microBatches - 1} (samples {completedSamples} to {samples - 1}) failed."),
            inner)
    {
        Chip = chip;
        FailedMicroBatch = failedMicroBatch;
        MicroBatches = microBatches;
        Completed = completed;
        CompletedSamples = completedSamples;
    }

    /// <summary>The chip whose failure stopped the run.</summary>
    public int Chip { get; }

    /// <summary>The micro-batch that chip was working on.</summary>
    public int FailedMicroBatch { get; }

    /// <summary>Micro-batches in the run.</summary>
    public int MicroBatches { get; }

    /// <summary>Micro-batches whose output was written (the first ones, in order).</summary>
    public int Completed { get; }

    /// <summary>Samples whose output was written: the first <see cref="CompletedSamples"/> of the batch.</summary>
    public int CompletedSamples { get; }
}
