/**
 * Name lists for generated directories. First names leave out everyone seeded in vBridge (Ben,
 * Sarah, Simon, Aroha, Liam, Priya, Tom), so a generated user can never be "Ben Young" nor take a
 * seeded UPN. Surnames include Young and DeYoung, so a search by surname alone is ambiguous, and a
 * few with apostrophes, whose UPN drops them.
 */
const words = (text: string): string[] => text.trim().split(/\s+/);

export const FIRST_NAMES: readonly string[] = words(`
  Amelia Olivia Isla Charlotte Ava Mia Harper Willow Sophie Ruby Emily Grace Ella Lily Zoe Chloe
  Hannah Lucy Matilda Isabella Georgia Anna Hazel Evie Ivy Aria Maia Mere Ana Hine Kiri Moana
  Ngaio Tui Anahera Manaia Nikau Tane Wiremu Rawiri Hemi Tama Oliver Jack Noah Leo George Charlie
  Lucas Hunter Mason Arlo Thomas James William Henry Jacob Oscar Max Hugo Harry Theo Luca Finn
  Archie Samuel Daniel Ethan Logan Cooper Isaac Joshua Ryan Nathan Matthew Luke Adam Caleb Dylan
  Alex Jordan Morgan Casey Riley Quinn Jamie Wei Jun Hiroshi Yuki Arjun Rohan Anjali Deepika Ravi
  Sanjay Mohammed Omar Fatima Aisha Layla Yusuf Sione Losa Mele Tevita Malia Sina Talia Elena
  Sofia Lucia Mateo Diego Carlos Ingrid Astrid Lars Sven Freya Niamh Siobhan Ciaran Declan Rory
  Fiona Hamish Angus Callum Eilidh Megan Rhys Gareth Bronwyn Tessa Paige Kate Jessica Rachel
  Nicole Michelle Andrew Peter Mark Paul Stephen Craig Brendon Shane Glenn
`);

export const LAST_NAMES: readonly string[] = words(`
  Young DeYoung Smith Williams Brown Wilson Taylor Jones Anderson Thompson Walker Harris Martin
  White Clark Robinson King Wright Scott Green Hall Allen Campbell Mitchell Roberts Carter
  Phillips Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Cooper Peterson
  Reid Kelly Baker Hughes Price Bennett Wood Barnes Ross Henderson Coleman Jenkins Perry Powell
  Patterson Fraser Sutherland Mackenzie McDonald Macleod Gillespie Murray Ngata Parata Tipene
  Rangi Tawhiri Waititi Horomona Paewai Kereama Pomare Ruatapu Tamihana Whaanga Karaitiana Fonoti
  Tuilagi Fifita Leota Faleolo Tapsell Savea Aumua Taufa Vaipulu Chen Wang Li Zhang Liu Nguyen
  Tran Pham Kim Park Lee Choi Tanaka Sato Suzuki Singh Sharma Kumar Gupta Reddy Nair Iyer Khan
  Ahmed Ali Hussain Muller Schmidt Rossi Ferrari Garcia Martinez Lopez Fernandez Silva Santos
  Dubois Moreau Jansen DeVries Larsen Hansen Nielsen Johansson Lindqvist O'Brien O'Connor O'Neill
  Fitzgerald Gallagher Doyle Byrne Walsh Sullivan Kennedy Lynch Brennan Higgins Wallace Graham
  Hamilton Crawford Gordon Ferguson Cameron Duncan Russell Marshall Simpson Ellis Knight Stone
  Hart Fox Lane Webb Hudson Payne Holmes Mills Barker Dixon Shaw Lloyd Griffiths Morrison Bell
  Watson Gray Kerr
`);

export const OFFICES = ["Auckland", "Wellington", "Christchurch", "Hamilton", "Dunedin"] as const;

/** The UPN form of a name: lower case, letters only. */
export const upnPart = (name: string): string => name.toLowerCase().replace(/[^a-z]/g, "");
