using System;

namespace Sdk.Runtime.Data
{
    /// <summary>
    /// One mini-batch from a <see cref="DataLoader"/>. The arrays are the loader's buffers, reused
    /// for the next batch: copy what must outlive it. Only the first <see cref="Count"/> samples
    /// are valid (the last batch of an epoch may be short).
    /// </summary>
    public readonly struct Batch
    {
        internal Batch(float[] images, int[] labels, int count, int sampleSize)
        {
            Images = images;
            Labels = labels;
            Count = count;
            SampleSize = sampleSize;
        }

        /// <summary>Pixels, NCHW, room for a full batch; the first <see cref="Count"/> x <see cref="SampleSize"/> are valid.</summary>
        public float[] Images { get; }

        /// <summary>Labels, room for a full batch; the first <see cref="Count"/> are valid.</summary>
        public int[] Labels { get; }

        /// <summary>The number of samples in this batch.</summary>
        public int Count { get; }

        /// <summary>Floats per sample.</summary>
        public int SampleSize { get; }

        /// <summary>The valid pixels.</summary>
        public ReadOnlySpan<float> ImageSpan => Images.AsSpan(0, Count * SampleSize);

        /// <summary>The valid labels.</summary>
        public ReadOnlySpan<int> LabelSpan => Labels.AsSpan(0, Count);

        /// <summary>Deconstructs into (images, labels, count), for <c>foreach (var (x, y, n) in ...)</c>.</summary>
        public void Deconstruct(out float[] images, out int[] labels, out int count)
        {
            images = Images;
            labels = Labels;
            count = Count;
        }
    }
}
