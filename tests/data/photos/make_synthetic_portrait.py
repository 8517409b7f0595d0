"""Makes tests/data/photos/synthetic-portrait.jpg: a drawn, synthetic portrait with fake EXIF (GPS included)."""

from PIL import Image, ImageDraw, ImageFilter

W, H = 600, 800
img = Image.new("RGB", (W, H))
d = ImageDraw.Draw(img)
for y in range(H):  # a soft background gradient
    d.line([(0, y), (W, y)], fill=(70 + y // 10, 90 + y // 12, 120 + y // 9))
d.ellipse([140, 520, 460, 900], fill=(40, 60, 110))          # shoulders
d.rectangle([265, 430, 335, 560], fill=(205, 160, 130))      # neck
d.ellipse([190, 170, 410, 460], fill=(215, 170, 140))        # face
d.pieslice([180, 140, 420, 360], 180, 360, fill=(50, 35, 25))  # hair
d.ellipse([245, 290, 270, 305], fill=(40, 30, 30))
d.ellipse([330, 290, 355, 305], fill=(40, 30, 30))
d.arc([260, 350, 340, 400], 20, 160, fill=(140, 60, 60), width=4)
img = img.filter(ImageFilter.GaussianBlur(1.2))
exif = Image.Exif()
exif[0x010F] = "SyntheticCam"          # Make
exif[0x0110] = "Model 0"               # Model
exif[0x0132] = "2026:01:02 03:04:05"   # DateTime
exif[0x0131] = "advocate test fixture"  # Software
exif[0x0112] = 1                       # Orientation
gps = {1: "N", 2: (50.0, 27.0, 0.0), 3: "E", 4: (30.0, 31.0, 24.0), 5: 0, 6: 179.0}  # a made-up position
exif[0x8825] = gps
img.save("tests/data/photos/synthetic-portrait.jpg", "JPEG", quality=85, exif=exif)
