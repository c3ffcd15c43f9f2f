using System;
using System.Collections.Generic;

namespace Sdk.Runtime.Data
{
    /// <summary>
    /// Cuts an <see cref="ImageDataset"/> into mini-batches, optionally in a shuffled order that is
    /// a pure function of (seed, epoch). Batches are copied into two buffers owned by the loader,
    /// so iterating allocates nothing per batch.
    /// </summary>
    public sealed class DataLoader
    {
        private readonly ImageDataset _data;
        private readonly float[] _images;
        private readonly int[] _labels;
        private readonly int[] _order;

        /// <param name="data">The samples.</param>
        /// <param name="batchSize">Samples per batch (the last batch may be smaller unless <paramref name="dropLast"/>).</param>
        /// <param name="shuffle">Visit samples in a seeded random order, different in each epoch.</param>
        /// <param name="seed">The shuffle seed; the same seed and epoch always give the same order.</param>
        /// <param name="dropLast">Skip the final short batch.</param>
        public DataLoader(ImageDataset data, int batchSize, bool shuffle = false, int seed = 0, bool dropLast = false)
        {
            ArgumentNullException.ThrowIfNull(data);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
            _data = data;
            BatchSize = batchSize;
            Shuffle = shuffle;
            Seed = seed;
            DropLast = dropLast;
            _images = new float[(long)batchSize * data.SampleSize];
            _labels = new int[batchSize];
            _order = new int[data.Count];
        }

        /// <summary>Samples per full batch.</summary>
        public int BatchSize { get; }

        /// <summary>Whether each epoch visits the samples in a seeded random order.</summary>
        public bool Shuffle { get; }

        /// <summary>The shuffle seed.</summary>
        public int Seed { get; }

        /// <summary>Whether the final short batch is skipped.</summary>
        public bool DropLast { get; }

        /// <summary>Batches per epoch.</summary>
        public int BatchCount => DropLast ? _data.Count / BatchSize : (_data.Count + BatchSize - 1) / BatchSize;

        /// <summary>The order in which epoch <paramref name="epoch"/> visits the samples.</summary>
        public int[] SampleOrder(int epoch)
        {
            var order = new int[_data.Count];
            FillOrder(order, epoch);
            return order;
        }

        /// <summary>
        /// The batches of one epoch. Each batch's arrays are overwritten by the next, and one
        /// loader must not run two epochs at once.
        /// </summary>
        public IEnumerable<Batch> Epoch(int epoch = 0)
        {
            FillOrder(_order, epoch);
            int sampleSize = _data.SampleSize;
            for (int batch = 0; batch < BatchCount; batch++)
            {
                int start = batch * BatchSize;
                int count = Math.Min(BatchSize, _data.Count - start);
                for (int i = 0; i < count; i++)
                {
                    int sample = _order[start + i];
                    Array.Copy(_data.Images, (long)sample * sampleSize, _images, (long)i * sampleSize, sampleSize);
                    _labels[i] = _data.Labels[sample];
                }

                yield return new Batch(_images, _labels, count, sampleSize);
            }
        }

        private void FillOrder(int[] order, int epoch)
        {
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            if (Shuffle)
            {
                SeededShuffle.Shuffle(order, SeededShuffle.Combine(Seed, epoch));
            }
        }
    }
}
