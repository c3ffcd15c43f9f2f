using System;
using System.IO;
using System.Linq;
using Sdk.Runtime.Data;
using Sdk.Runtime.Tests.TestSupport;

namespace Sdk.Runtime.Tests.Data
{
    public sealed class IdxReaderTests : IDisposable
    {
        private readonly TempDirectory _temp = new();

        public void Dispose() => _temp.Dispose();

        private (string Images, string Labels) WriteFiles(byte[] images, byte[] labels, bool gzip)
        {
            string imagesPath = _temp.File(gzip ? "images.gz" : "images");
            string labelsPath = _temp.File(gzip ? "labels.gz" : "labels");
            File.WriteAllBytes(imagesPath, gzip ? HandMadeIdx.Gzip(images) : images);
            File.WriteAllBytes(labelsPath, gzip ? HandMadeIdx.Gzip(labels) : labels);
            return (imagesPath, labelsPath);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Reads_images_as_nchw_floats_in_unit_range_and_byte_labels(bool gzip)
        {
            byte[] pixels = HandMadeIdx.Pattern(3 * 2 * 4);
            pixels[0] = 0;
            pixels[1] = 255;
            pixels[2] = 51;
            (string images, string labels) = WriteFiles(HandMadeIdx.Images(3, 2, 4, pixels), HandMadeIdx.Labels(3, [9, 0, 3]), gzip);

            ImageDataset data = ImageDataset.LoadIdx(images, labels);

            Assert.Equal((3, 1, 2, 4), (data.Count, data.Channels, data.Height, data.Width));
            Assert.Equal(8, data.SampleSize);
            Assert.Equal(24, data.Images.Length);
            Assert.Equal([9, 0, 3], data.Labels);
            Assert.Equal(0f, data.Images[0]);
            Assert.Equal(1f, data.Images[1]);
            Assert.Equal(0.2f, data.Images[2]);
            Assert.Equal(pixels.Select(p => p / 255f), data.Images);
            Assert.Equal(pixels.Skip(16).Select(p => p / 255f), data.Image(2).ToArray());
        }

        [Fact]
        public void Gzip_is_recognised_by_content_not_name()
        {
            string images = _temp.File("images.idx");
            string labels = _temp.File("labels.idx");
            File.WriteAllBytes(images, HandMadeIdx.Gzip(HandMadeIdx.Images(1, 1, 1, [255])));
            File.WriteAllBytes(labels, HandMadeIdx.Labels(1, [4]));
            ImageDataset data = ImageDataset.LoadIdx(images, labels);
            Assert.Equal([1f], data.Images);
            Assert.Equal([4], data.Labels);
        }

        [Fact]
        public void An_empty_set_is_valid()
        {
            (string images, string labels) = WriteFiles(HandMadeIdx.Images(0, 28, 28, []), HandMadeIdx.Labels(0, []), gzip: true);
            Assert.Equal(0, ImageDataset.LoadIdx(images, labels).Count);
        }

        private void Fails(byte[] images, byte[] labels, bool gzip, bool labelsAtFault, string expectedProblem)
        {
            (string imagesPath, string labelsPath) = WriteFiles(images, labels, gzip);
            var e = Assert.Throws<DatasetFormatException>(() => ImageDataset.LoadIdx(imagesPath, labelsPath));
            string culprit = labelsAtFault ? labelsPath : imagesPath;
            Assert.Equal(culprit, e.FilePath);
            Assert.Contains($"'{culprit}'", e.Message);
            Assert.Contains(expectedProblem, e.Message);
        }

        private static readonly byte[] GoodLabels = HandMadeIdx.Labels(2, [1, 2]);
        private static readonly byte[] GoodImages = HandMadeIdx.Images(2, 2, 2, HandMadeIdx.Pattern(8));

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Images_with_the_labels_magic(bool gzip) =>
            Fails(HandMadeIdx.Images(2, 2, 2, HandMadeIdx.Pattern(8), magic: 2049), GoodLabels, gzip, false, "magic number 2049 is not 2051");

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Labels_with_the_images_magic(bool gzip) =>
            Fails(GoodImages, HandMadeIdx.Labels(2, [1, 2], magic: 2051), gzip, true, "magic number 2051 is not 2049");

        [Fact]
        public void Swapped_files() =>
            Fails(GoodLabels, GoodImages, false, false, "magic number 2049 is not 2051");

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Truncated_image_payload(bool gzip) =>
            Fails(GoodImages[..^3], GoodLabels, gzip, false, "the data is truncated: the header [2, 2, 2] needs 8 bytes, the file has 5");

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Truncated_label_payload(bool gzip) =>
            Fails(GoodImages, GoodLabels[..^1], gzip, true, "needs 2 bytes, the file has 1");

        [Fact]
        public void Truncated_header() =>
            Fails(GoodImages[..10], GoodLabels, false, false, "the header is truncated: 10 of 16 bytes");

        [Fact]
        public void File_too_short_for_a_magic_number() =>
            Fails([0, 0], GoodLabels, false, false, "too short for an IDX magic number");

        [Fact]
        public void Trailing_bytes() =>
            Fails([.. GoodImages, 0], GoodLabels, true, false, "longer than its header");

        [Fact]
        public void Zero_rows() =>
            Fails(HandMadeIdx.Images(2, 0, 2, []), GoodLabels, false, false, "dimension 1 has invalid size 0 (the count must be >= 0, every other size >= 1)");

        [Fact]
        public void Negative_count() =>
            Fails(HandMadeIdx.Images(-1, 2, 2, []), GoodLabels, false, false, "dimension 0 has invalid size -1");

        [Fact]
        public void Image_and_label_counts_differ() =>
            Fails(GoodImages, HandMadeIdx.Labels(3, [1, 2, 3]), true, false, "holds 2 images but the label file");

        [Fact]
        public void More_images_than_labels() =>
            Fails(GoodImages, HandMadeIdx.Labels(1, [1]), false, false, $"it holds 2 images but the label file '{_temp.File("labels")}' holds 1 labels");

        [Fact]
        public void Empty_file() =>
            Fails([], GoodLabels, false, false, "the file has 0 bytes, too short for an IDX magic number");

        [Fact]
        public void Truncated_label_header() =>
            Fails(GoodImages, GoodLabels[..6], true, true, "the header is truncated: 6 of 8 bytes");

        [Theory]
        [InlineData(0x0C03, "magic number 3075 is not 2051")]      // floats, 3 dimensions
        [InlineData(0x0804, "magic number 2052 is not 2051")]      // bytes, 4 dimensions
        [InlineData(0x01000803, "magic number 16779267 is not 2051")]
        public void Image_file_with_another_magic(int magic, string expected) =>
            Fails(HandMadeIdx.Images(2, 2, 2, HandMadeIdx.Pattern(8), magic), GoodLabels, false, false, expected);

        [Theory]
        [InlineData(0, 65536, 65536)]
        [InlineData(2, 46341, 46341)]
        [InlineData(int.MaxValue, int.MaxValue, int.MaxValue)]
        public void Image_size_beyond_an_array(int count, int rows, int cols) =>
            Fails(
                HandMadeIdx.Images(count, rows, cols, []),
                GoodLabels,
                false,
                false,
                $"the sizes [{count}, {rows}, {cols}] make one item of more than {Array.MaxLength} bytes, the limit of an array");

        [Fact]
        public void Image_set_beyond_an_array() =>
            Fails(
                HandMadeIdx.Images(3, 30000, 30000, []),
                GoodLabels,
                false,
                false,
                $"the sizes [3, 30000, 30000] describe 2700000000 bytes, more than the limit of {Array.MaxLength} bytes of an array");

        [Fact]
        public void Label_count_beyond_an_array() =>
            Fails(GoodImages, HandMadeIdx.Labels(int.MaxValue, []), false, true, $"the sizes [{int.MaxValue}] describe {int.MaxValue} bytes, more than the limit");

        [Fact]
        public void A_directory_instead_of_a_file()
        {
            string images = _temp.File("images");
            Directory.CreateDirectory(images);
            string labels = _temp.File("labels");
            File.WriteAllBytes(labels, GoodLabels);
            var e = Assert.Throws<DatasetFormatException>(() => ImageDataset.LoadIdx(images, labels));
            Assert.Equal(images, e.FilePath);
            Assert.Contains("it is a directory, not an IDX file", e.Message);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Labels_outside_the_classes_are_rejected_with_the_sample_and_value(bool gzip)
        {
            byte[] pixels = HandMadeIdx.Pattern(5 * 4);
            (string images, string labels) = WriteFiles(HandMadeIdx.Images(5, 2, 2, pixels), HandMadeIdx.Labels(5, [9, 0, 10, 3, 255]), gzip);

            var e = Assert.Throws<DatasetFormatException>(() => ImageDataset.LoadIdx(images, labels, classes: 10));
            Assert.Equal(labels, e.FilePath);
            Assert.Contains($"Invalid dataset file '{labels}': the label of sample 2 is 10, outside the 10 classes [0, 10); 2 of the 5 labels are.", e.Message);

            Assert.Equal([9, 0, 10, 3, 255], ImageDataset.LoadIdx(images, labels).Labels);          // no class count: any byte
            Assert.Equal([9, 0, 10, 3, 255], ImageDataset.LoadIdx(images, labels, classes: 256).Labels);
        }

        [Fact]
        public void One_label_outside_the_classes()
        {
            (string images, string labels) = WriteFiles(GoodImages, HandMadeIdx.Labels(2, [1, 2]), false);
            Assert.Equal([1, 2], ImageDataset.LoadIdx(images, labels, classes: 3).Labels);
            var e = Assert.Throws<DatasetFormatException>(() => ImageDataset.LoadIdx(images, labels, classes: 2));
            Assert.EndsWith("the label of sample 1 is 2, outside the 2 classes [0, 2).", e.Message);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-1)]
        [InlineData(257)]
        public void A_class_count_outside_one_byte_is_an_argument_error(int classes)
        {
            (string images, string labels) = WriteFiles(GoodImages, GoodLabels, false);
            Assert.Throws<ArgumentOutOfRangeException>(() => ImageDataset.LoadIdx(images, labels, classes));
        }

        [Fact]
        public void Corrupt_gzip_stream()
        {
            byte[] gz = HandMadeIdx.Gzip(HandMadeIdx.Images(50, 4, 4, HandMadeIdx.Pattern(800)));
            gz[20] ^= 0xFF;
            gz[21] ^= 0xFF;
            string images = _temp.File("bad.gz");
            string labels = _temp.File("labels");
            File.WriteAllBytes(images, gz);
            File.WriteAllBytes(labels, HandMadeIdx.Labels(50, new byte[50]));
            var e = Assert.Throws<DatasetFormatException>(() => ImageDataset.LoadIdx(images, labels));
            Assert.Contains($"'{images}'", e.Message);
        }

        [Fact]
        public void Truncated_gzip_file()
        {
            byte[] gz = HandMadeIdx.Gzip(HandMadeIdx.Images(50, 4, 4, HandMadeIdx.Pattern(800)));
            string images = _temp.File("short.gz");
            string labels = _temp.File("labels");
            File.WriteAllBytes(images, gz[..(gz.Length / 2)]);
            File.WriteAllBytes(labels, HandMadeIdx.Labels(50, new byte[50]));
            var e = Assert.Throws<DatasetFormatException>(() => ImageDataset.LoadIdx(images, labels));
            Assert.Equal(images, e.FilePath);
        }
    }
}
