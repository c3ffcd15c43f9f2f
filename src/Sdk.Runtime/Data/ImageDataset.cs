using System;
using System.Linq;

namespace Sdk.Runtime.Data
{
    /// <summary>
    /// Labelled single-channel images held in memory: float32 pixels in [0, 1], laid out NCHW
    /// (count x 1 x height x width), and one byte label per image.
    /// </summary>
    public sealed class ImageDataset
    {
        /// <summary>Wraps arrays that already hold <paramref name="count"/> images and labels.</summary>
        public ImageDataset(int count, int height, int width, float[] images, byte[] labels)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
            ArgumentNullException.ThrowIfNull(images);
            ArgumentNullException.ThrowIfNull(labels);
            if (images.Length != (long)count * height * width)
            {
                throw new ArgumentException($"{count} images of {height}x{width} need {(long)count * height * width} pixels, got {images.Length}.", nameof(images));
            }

            if (labels.Length != count)
            {
                throw new ArgumentException($"{count} images need {count} labels, got {labels.Length}.", nameof(labels));
            }

            Count = count;
            Height = height;
            Width = width;
            Images = images;
            Labels = labels;
        }

        /// <summary>The number of images.</summary>
        public int Count { get; }

        /// <summary>Channels per image: always 1 (grey scale).</summary>
        public int Channels => 1;

        /// <summary>Rows per image.</summary>
        public int Height { get; }

        /// <summary>Columns per image.</summary>
        public int Width { get; }

        /// <summary>Floats per image (channels x height x width).</summary>
        public int SampleSize => Height * Width;

        /// <summary>All pixels, NCHW, scaled from bytes to [0, 1] (byte / 255).</summary>
        public float[] Images { get; }

        /// <summary>The label of each image.</summary>
        public byte[] Labels { get; }

        /// <summary>The pixels of image <paramref name="index"/>.</summary>
        public ReadOnlySpan<float> Image(int index) => Images.AsSpan(checked(index * SampleSize), SampleSize);

        /// <summary>
        /// Reads an IDX image file (magic 2051) and its IDX label file (magic 2049), gzipped or not. With
        /// <paramref name="classes"/>, every label must be a class index in [0, classes).
        /// </summary>
        /// <exception cref="DatasetFormatException">
        /// Either file is malformed or truncated, their counts differ, or a label is not below <paramref name="classes"/>;
        /// the message names the file, and for a label the sample's index and value.
        /// </exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not in [1, 256].</exception>
        public static ImageDataset LoadIdx(string imagesPath, string labelsPath, int? classes = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(imagesPath);
            ArgumentException.ThrowIfNullOrEmpty(labelsPath);
            if (classes is int c)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(c, 1, nameof(classes));
                ArgumentOutOfRangeException.ThrowIfGreaterThan(c, 256, nameof(classes)); // one byte per label
            }

            (int[] imageSizes, byte[] pixels) = IdxFile.Read(imagesPath, IdxFile.ImagesMagic, "an IDX image file");
            (int[] labelSizes, byte[] labels) = IdxFile.Read(labelsPath, IdxFile.LabelsMagic, "an IDX label file");
            if (imageSizes[0] != labelSizes[0])
            {
                throw new DatasetFormatException(
                    imagesPath, $"it holds {imageSizes[0]} images but the label file '{labelsPath}' holds {labelSizes[0]} labels.");
            }

            if (classes is int count)
            {
                CheckLabels(labelsPath, labels, count);
            }

            return new ImageDataset(imageSizes[0], imageSizes[1], imageSizes[2], ScaleToUnit(pixels), labels);
        }

        // A label past the last class would only fail later, deep in training (or, worse, index another class's row).
        private static void CheckLabels(string labelsPath, byte[] labels, int classes)
        {
            int first = Array.FindIndex(labels, l => l >= classes);
            if (first < 0)
            {
                return;
            }

            int bad = labels.Count(l => l >= classes);
            throw new DatasetFormatException(
                labelsPath,
                $"the label of sample {first} is {labels[first]}, outside the {classes} classes [0, {classes})" +
                (bad > 1 ? $"; {bad} of the {labels.Length} labels are." : "."));
        }

        private static float[] ScaleToUnit(byte[] pixels)
        {
            // A table keeps the exact value byte / 255f (not byte * (1/255f), which rounds differently).
            Span<float> table = stackalloc float[256];
            for (int i = 0; i < 256; i++)
            {
                table[i] = i / 255f;
            }

            var scaled = new float[pixels.Length];
            for (int i = 0; i < pixels.Length; i++)
            {
                scaled[i] = table[pixels[i]];
            }

            return scaled;
        }
    }
}
