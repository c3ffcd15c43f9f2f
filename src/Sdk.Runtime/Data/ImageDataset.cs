using System;

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
        /// Reads an IDX image file (magic 2051) and its IDX label file (magic 2049), gzipped or not.
        /// </summary>
        /// <exception cref="DatasetFormatException">Either file is malformed or truncated, or their counts differ.</exception>
        public static ImageDataset LoadIdx(string imagesPath, string labelsPath)
        {
            ArgumentException.ThrowIfNullOrEmpty(imagesPath);
            ArgumentException.ThrowIfNullOrEmpty(labelsPath);
            (int[] imageSizes, byte[] pixels) = IdxFile.Read(imagesPath, IdxFile.ImagesMagic, "an IDX image file");
            (int[] labelSizes, byte[] labels) = IdxFile.Read(labelsPath, IdxFile.LabelsMagic, "an IDX label file");
            if (imageSizes[0] != labelSizes[0])
            {
                throw new DatasetFormatException(
                    imagesPath, $"it holds {imageSizes[0]} images but the label file '{labelsPath}' holds {labelSizes[0]} labels.");
            }

            return new ImageDataset(imageSizes[0], imageSizes[1], imageSizes[2], ScaleToUnit(pixels), labels);
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
